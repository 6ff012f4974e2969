CREATE TABLE training_run (
    job_id      UUID PRIMARY KEY,
    job_type    VARCHAR(16)  NOT NULL,
    state       VARCHAR(16)  NOT NULL,
    batches     INTEGER      NOT NULL DEFAULT 0,
    model_dir   TEXT,
    reason      TEXT,
    attempts    INTEGER      NOT NULL DEFAULT 0,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
