-- MLflow: the tracing tables as mlflow-skinny 3.17.2 creates them (sqlite_master dump, trimmed to the
-- tables the reader uses). Written by tests/formats/make_mlflow_db.py; used by fast tests.
CREATE TABLE "assessments" (
    assessment_id VARCHAR(50) NOT NULL,
    trace_id VARCHAR(50) NOT NULL,
    name VARCHAR(250) NOT NULL,
    assessment_type VARCHAR(20) NOT NULL,
    value TEXT NOT NULL,
    error TEXT,
    created_timestamp BIGINT NOT NULL,
    last_updated_timestamp BIGINT NOT NULL,
    source_type VARCHAR(50) NOT NULL,
    source_id VARCHAR(250),
    run_id VARCHAR(32),
    span_id VARCHAR(50),
    rationale TEXT,
    overrides VARCHAR(50),
    valid BOOLEAN NOT NULL,
    assessment_metadata TEXT,
    experiment_id INTEGER,
    trace_timestamp_ms BIGINT,
    aggregate_value FLOAT,
    is_numeric_value BOOLEAN DEFAULT 0 NOT NULL,
    CONSTRAINT assessments_pk PRIMARY KEY (assessment_id),
    CONSTRAINT fk_assessments_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE "experiments" (
    experiment_id INTEGER NOT NULL,
    name VARCHAR(256) NOT NULL,
    artifact_location VARCHAR(256),
    lifecycle_stage VARCHAR(32),
    creation_time BIGINT,
    last_update_time BIGINT,
    workspace VARCHAR(63) DEFAULT 'default' NOT NULL,
    CONSTRAINT experiment_pk PRIMARY KEY (experiment_id),
    CONSTRAINT experiments_lifecycle_stage CHECK (lifecycle_stage IN ('active', 'deleted')),
    CONSTRAINT uq_experiments_workspace_name UNIQUE (workspace, name)
);
CREATE TABLE "spans" (
    trace_id VARCHAR(50) NOT NULL,
    experiment_id INTEGER NOT NULL,
    span_id VARCHAR(50) NOT NULL,
    parent_span_id VARCHAR(50),
    name TEXT,
    type VARCHAR(500),
    status VARCHAR(50) NOT NULL,
    start_time_unix_nano BIGINT NOT NULL,
    end_time_unix_nano BIGINT,
    duration_ns BIGINT GENERATED ALWAYS AS (end_time_unix_nano - start_time_unix_nano) STORED,
    content TEXT NOT NULL,
    input_cost FLOAT,
    output_cost FLOAT,
    total_cost FLOAT,
    model_name VARCHAR(500),
    model_provider VARCHAR(500),
    CONSTRAINT spans_pk PRIMARY KEY (trace_id, span_id),
    CONSTRAINT fk_spans_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id),
    CONSTRAINT fk_spans_trace_id FOREIGN KEY(trace_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE "trace_info" (
    request_id VARCHAR(50) NOT NULL,
    experiment_id INTEGER NOT NULL,
    timestamp_ms BIGINT NOT NULL,
    execution_time_ms BIGINT,
    status VARCHAR(50) NOT NULL,
    client_request_id VARCHAR(50),
    request_preview VARCHAR(1000),
    response_preview VARCHAR(1000),
    db_payload_generation INTEGER DEFAULT '0' NOT NULL, trace_name VARCHAR(4096), session_id VARCHAR(250), input_tokens BIGINT, output_tokens BIGINT, total_tokens BIGINT, cache_read_input_tokens BIGINT, cache_creation_input_tokens BIGINT, cache_creation_input_tokens_above_1hr BIGINT, input_cost FLOAT, output_cost FLOAT, total_cost FLOAT,
    CONSTRAINT trace_info_pk PRIMARY KEY (request_id),
    CONSTRAINT fk_trace_info_experiment_id FOREIGN KEY(experiment_id) REFERENCES experiments (experiment_id) ON DELETE CASCADE
);
CREATE TABLE "trace_request_metadata" (
    "key" VARCHAR(250) NOT NULL,
    value VARCHAR(8000),
    request_id VARCHAR(50) NOT NULL,
    CONSTRAINT trace_request_metadata_pk PRIMARY KEY ("key", request_id),
    CONSTRAINT fk_trace_request_metadata_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
CREATE TABLE "trace_tags" (
    "key" VARCHAR(250) NOT NULL,
    value VARCHAR(8000),
    request_id VARCHAR(50) NOT NULL,
    CONSTRAINT trace_tag_pk PRIMARY KEY ("key", request_id),
    CONSTRAINT fk_trace_tags_request_id FOREIGN KEY(request_id) REFERENCES trace_info (request_id) ON DELETE CASCADE
);
