-- Arize Phoenix: the tracing tables as arize-phoenix 20.26.1 (alembic 4aad9107d196) creates them (sqlite_master dump, trimmed to the
-- tables the reader uses). Written by tests/formats/make_phoenix_db.py; used by fast tests.
CREATE TABLE alembic_version (
    version_num VARCHAR(32) NOT NULL,
    CONSTRAINT alembic_version_pkc PRIMARY KEY (version_num)
);
CREATE TABLE project_sessions (
    id INTEGER NOT NULL,
    session_id VARCHAR NOT NULL,
    project_id INTEGER NOT NULL,
    start_time TIMESTAMP NOT NULL,
    end_time TIMESTAMP NOT NULL,
    CONSTRAINT pk_project_sessions PRIMARY KEY (id),
    CONSTRAINT uq_project_sessions_session_id UNIQUE (session_id)
);
CREATE TABLE "projects" (
    id INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    description VARCHAR,
    gradient_start_color VARCHAR DEFAULT '#5bdbff' NOT NULL,
    gradient_end_color VARCHAR DEFAULT '#1c76fc' NOT NULL,
    created_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    trace_retention_policy_id INTEGER,
    CONSTRAINT pk_projects PRIMARY KEY (id),
    CONSTRAINT uq_projects_name UNIQUE (name)
);
CREATE TABLE "span_annotations" (
    id INTEGER NOT NULL,
    span_rowid INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    label VARCHAR,
    score FLOAT,
    explanation VARCHAR,
    metadata JSONB NOT NULL,
    annotator_kind VARCHAR NOT NULL,
    created_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    user_id INTEGER,
    identifier VARCHAR DEFAULT ('') NOT NULL,
    source VARCHAR NOT NULL,
    CONSTRAINT pk_span_annotations PRIMARY KEY (id),
    CONSTRAINT "ck_span_annotations_`valid_annotator_kind`" CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
    CONSTRAINT uq_span_annotations_name_span_rowid_identifier UNIQUE (name, span_rowid, identifier),
    CONSTRAINT fk_span_annotations_span_rowid_spans FOREIGN KEY(span_rowid) REFERENCES spans (id) ON DELETE CASCADE,
    CONSTRAINT "ck_span_annotations_`valid_source`" CHECK (source IN ('API', 'APP'))
);
CREATE TABLE spans (
    id INTEGER NOT NULL,
    trace_rowid INTEGER NOT NULL,
    span_id VARCHAR NOT NULL,
    parent_id VARCHAR,
    name VARCHAR NOT NULL,
    span_kind VARCHAR NOT NULL,
    start_time TIMESTAMP NOT NULL,
    end_time TIMESTAMP NOT NULL,
    attributes JSONB NOT NULL,
    events JSONB NOT NULL,
    status_code VARCHAR DEFAULT 'UNSET' NOT NULL CONSTRAINT "ck_spans_`valid_status`" CHECK (status_code IN ('OK', 'ERROR', 'UNSET')),
    status_message VARCHAR NOT NULL,
    cumulative_error_count INTEGER NOT NULL,
    cumulative_llm_token_count_prompt INTEGER NOT NULL,
    cumulative_llm_token_count_completion INTEGER NOT NULL, llm_token_count_prompt INTEGER, llm_token_count_completion INTEGER,
    CONSTRAINT pk_spans PRIMARY KEY (id),
    CONSTRAINT fk_spans_trace_rowid_traces FOREIGN KEY(trace_rowid) REFERENCES traces (id) ON DELETE CASCADE,
    CONSTRAINT uq_spans_span_id UNIQUE (span_id)
);
CREATE TABLE "trace_annotations" (
    id INTEGER NOT NULL,
    trace_rowid INTEGER NOT NULL,
    name VARCHAR NOT NULL,
    label VARCHAR,
    score FLOAT,
    explanation VARCHAR,
    metadata JSONB NOT NULL,
    annotator_kind VARCHAR NOT NULL,
    created_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    user_id INTEGER,
    identifier VARCHAR DEFAULT ('') NOT NULL,
    source VARCHAR NOT NULL,
    CONSTRAINT pk_trace_annotations PRIMARY KEY (id),
    CONSTRAINT "ck_trace_annotations_`valid_annotator_kind`" CHECK (annotator_kind IN ('LLM', 'CODE', 'HUMAN')),
    CONSTRAINT fk_trace_annotations_trace_rowid_traces FOREIGN KEY(trace_rowid) REFERENCES traces (id) ON DELETE CASCADE,
    CONSTRAINT uq_trace_annotations_name_trace_rowid_identifier UNIQUE (name, trace_rowid, identifier),
    CONSTRAINT "ck_trace_annotations_`valid_source`" CHECK (source IN ('API', 'APP'))
);
CREATE TABLE "traces" (
    id INTEGER NOT NULL,
    project_rowid INTEGER NOT NULL,
    trace_id VARCHAR NOT NULL,
    start_time TIMESTAMP NOT NULL,
    end_time TIMESTAMP NOT NULL,
    project_session_rowid INTEGER,
    CONSTRAINT pk_traces PRIMARY KEY (id),
    CONSTRAINT fk_traces_project_rowid_projects FOREIGN KEY(project_rowid) REFERENCES projects (id) ON DELETE CASCADE,
    CONSTRAINT uq_traces_trace_id UNIQUE (trace_id),
    CONSTRAINT fk_traces_project_session_rowid_project_sessions FOREIGN KEY(project_session_rowid) REFERENCES project_sessions (id) ON DELETE CASCADE
);
CREATE TABLE "users" (
    id INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    user_role_id INTEGER NOT NULL,
    username VARCHAR NOT NULL,
    email VARCHAR,
    profile_picture_url VARCHAR,
    password_hash BLOB,
    password_salt BLOB,
    reset_password BOOLEAN NOT NULL,
    oauth2_client_id VARCHAR,
    oauth2_user_id VARCHAR,
    created_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    updated_at TIMESTAMP DEFAULT (CURRENT_TIMESTAMP) NOT NULL,
    auth_method VARCHAR NOT NULL,
    ldap_unique_id VARCHAR,
    CONSTRAINT fk_users_user_role_id_user_roles FOREIGN KEY(user_role_id) REFERENCES user_roles (id) ON DELETE CASCADE,
    CONSTRAINT "ck_users_`valid_auth_method`" CHECK (auth_method IN ('LOCAL', 'OAUTH2', 'LDAP')),
    CONSTRAINT "ck_users_`local_auth_has_password_no_oauth`" CHECK (auth_method != 'LOCAL' OR (password_hash IS NOT NULL AND password_salt IS NOT NULL AND oauth2_client_id IS NULL AND oauth2_user_id IS NULL AND ldap_unique_id IS NULL)),
    CONSTRAINT "ck_users_`ldap_auth_valid`" CHECK (auth_method != 'LDAP' OR (oauth2_client_id IS NULL AND oauth2_user_id IS NULL AND (email IS NOT NULL OR ldap_unique_id IS NOT NULL))),
    CONSTRAINT "ck_users_`oauth2_auth_no_ldap_fields`" CHECK (auth_method != 'OAUTH2' OR ldap_unique_id IS NULL),
    CONSTRAINT "ck_users_`non_local_auth_has_no_password`" CHECK (auth_method = 'LOCAL' OR (password_hash IS NULL AND password_salt IS NULL)),
    CONSTRAINT "ck_users_`non_ldap_auth_has_email`" CHECK (auth_method = 'LDAP' OR email IS NOT NULL)
);
