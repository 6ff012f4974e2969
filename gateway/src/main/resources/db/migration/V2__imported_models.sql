CREATE TABLE imported_model (
    name          VARCHAR(200) PRIMARY KEY,
    path          TEXT         NOT NULL,
    kind          VARCHAR(16)  NOT NULL,
    architecture  VARCHAR(32)  NOT NULL,
    template      VARCHAR(40),
    description   TEXT,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX job_model_dir ON job (created_at DESC) WHERE model_dir IS NOT NULL;
