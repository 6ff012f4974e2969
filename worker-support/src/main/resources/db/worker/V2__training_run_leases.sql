-- One owner per job across worker replicas: a worker claims a job (FOR UPDATE SKIP LOCKED), renews its lease while it
-- trains, and a job whose lease ran out (its worker died) is claimed again and resumed from its last checkpoint.
ALTER TABLE training_run ADD COLUMN owner VARCHAR(200);
ALTER TABLE training_run ADD COLUMN lease_until TIMESTAMP WITH TIME ZONE;
CREATE INDEX training_run_claimable ON training_run (job_type, state, updated_at);
