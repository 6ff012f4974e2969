CREATE TABLE dataset (
    name        VARCHAR(200) PRIMARY KEY,
    kind        VARCHAR(20)  NOT NULL,
    path        TEXT         NOT NULL,
    rows        INTEGER      NOT NULL,
    checksum    VARCHAR(64)  NOT NULL,
    license     VARCHAR(200),
    source      TEXT,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);

CREATE TABLE prepared_job (
    job_id      UUID PRIMARY KEY,
    job_type    VARCHAR(16) NOT NULL,
    dataset     VARCHAR(200) NOT NULL,
    state       VARCHAR(16) NOT NULL,
    batches     INTEGER NOT NULL DEFAULT 0,
    rows        INTEGER NOT NULL DEFAULT 0,
    skipped     INTEGER NOT NULL DEFAULT 0,
    checksum    VARCHAR(64),
    reason      TEXT,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
