CREATE TABLE job (
    id            UUID PRIMARY KEY,
    type          VARCHAR(16)  NOT NULL,
    dataset       VARCHAR(200) NOT NULL,
    base_model    VARCHAR(400) NOT NULL,
    config        TEXT         NOT NULL,
    state         VARCHAR(16)  NOT NULL,
    reason        TEXT,
    step          INTEGER      NOT NULL DEFAULT 0,
    total_steps   INTEGER      NOT NULL DEFAULT 0,
    last_loss     DOUBLE PRECISION,
    losses        TEXT         NOT NULL DEFAULT '[]',
    metrics       TEXT         NOT NULL DEFAULT '{}',
    model_dir     TEXT,
    created_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    updated_at    TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX job_created_at ON job (created_at DESC);

CREATE TABLE outbox (
    id          BIGSERIAL PRIMARY KEY,
    topic       VARCHAR(200) NOT NULL,
    msg_key     VARCHAR(200) NOT NULL,
    payload     TEXT         NOT NULL,
    created_at  TIMESTAMP WITH TIME ZONE NOT NULL,
    sent_at     TIMESTAMP WITH TIME ZONE,
    attempts    INTEGER      NOT NULL DEFAULT 0
);
CREATE INDEX outbox_unsent ON outbox (id) WHERE sent_at IS NULL;
