-- Credentials: who may call the suite. The registry keeps only each secret's SHA-256 hash; the
-- token (`fq_<id>_<secret>`) is shown once, when issued.
CREATE TABLE registry.credential (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    secret_hash    bytea NOT NULL CHECK (length(secret_hash) = 32),
    role           text NOT NULL CHECK (role IN (
                       'county_admin', 'station_admin', 'officer', 'mediator', 'patrol_member', 'analyst', 'service')),
    station_id     bigint REFERENCES registry.unit (id),
    person_id      bigint REFERENCES registry.person (id),
    service_name   text,
    label          text NOT NULL DEFAULT '',
    issued_at      timestamptz NOT NULL DEFAULT now(),
    issued_by      bigint REFERENCES registry.credential (id),
    expires_at     timestamptz,
    revoked_at     timestamptz,
    revoked_by     bigint REFERENCES registry.credential (id),
    revoke_reason  text,
    -- Station roles have a station; county roles have none.
    CONSTRAINT credential_station_check
        CHECK ((role IN ('station_admin', 'officer', 'mediator', 'patrol_member')) = (station_id IS NOT NULL)),
    -- A service credential names its service and no person; every other names a person, but the
    -- bootstrap admin, issued before anyone is registered.
    CONSTRAINT credential_holder_check
        CHECK ((role = 'service') = (service_name IS NOT NULL) AND (role <> 'service' OR person_id IS NULL))
);
CREATE INDEX credential_station_idx ON registry.credential (station_id, id);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_registry') THEN
        GRANT SELECT, INSERT, UPDATE ON registry.credential TO fengqiao_registry;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA registry TO fengqiao_registry;
    END IF;
END
$$;
