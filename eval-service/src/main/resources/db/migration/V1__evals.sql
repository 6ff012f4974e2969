CREATE TABLE eval_set (
    job_id      UUID PRIMARY KEY,
    job_type    VARCHAR(16) NOT NULL,
    payload     TEXT        NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE eval_run (
    job_id      UUID PRIMARY KEY,
    job_type    VARCHAR(16) NOT NULL,
    model_dir   TEXT        NOT NULL,
    base_dir    TEXT,
    state       VARCHAR(16) NOT NULL,
    metrics     TEXT,
    summary     TEXT,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE eval_example (
    id          BIGSERIAL PRIMARY KEY,
    job_id      UUID        NOT NULL,
    model       VARCHAR(16) NOT NULL,
    row_index   INTEGER     NOT NULL,
    prompt      TEXT        NOT NULL,
    output      TEXT        NOT NULL,
    reference   TEXT,
    score       DOUBLE PRECISION
);
CREATE INDEX eval_example_job ON eval_example (job_id, model, row_index);
