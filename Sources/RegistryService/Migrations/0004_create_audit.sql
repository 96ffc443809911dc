-- The audit trail: one row per call any service takes (health checks aside), append-only.
--
-- Services insert; only the registry reads (for county_admin's `ListAuditEvents`). Nobody updates,
-- deletes or truncates: the grants give no such right, and the triggers refuse it even to the
-- owner, so removing an entry takes the owner's login (used only by migrations) dropping a trigger.
CREATE SCHEMA IF NOT EXISTS audit;

CREATE TABLE audit.event (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    at             timestamptz NOT NULL DEFAULT now(),
    service        text NOT NULL,
    credential_id  bigint,
    role           text,
    station_id     bigint,
    person_id      bigint,
    relayed_by     text,
    method         text NOT NULL,
    targets        text[] NOT NULL DEFAULT '{}',
    request_id     text NOT NULL,
    peer           text NOT NULL DEFAULT '',
    outcome        text NOT NULL,
    detail         text NOT NULL DEFAULT ''
);
CREATE INDEX event_at_idx ON audit.event (at DESC, id DESC);
CREATE INDEX event_credential_idx ON audit.event (credential_id, id DESC);
CREATE INDEX event_targets_idx ON audit.event USING gin (targets);

CREATE FUNCTION audit.refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the audit trail is append-only: % is refused', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;
CREATE TRIGGER event_append_only BEFORE UPDATE OR DELETE ON audit.event
    FOR EACH ROW EXECUTE FUNCTION audit.refuse_change();
CREATE TRIGGER event_no_truncate BEFORE TRUNCATE ON audit.event
    FOR EACH STATEMENT EXECUTE FUNCTION audit.refuse_change();

REVOKE ALL ON SCHEMA audit FROM PUBLIC;
REVOKE ALL ON audit.event FROM PUBLIC;
DO $$
DECLARE
    service text;
BEGIN
    FOREACH service IN ARRAY ARRAY['fengqiao_registry', 'fengqiao_mediation', 'fengqiao_patrol'] LOOP
        IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = service) THEN
            EXECUTE format('GRANT USAGE ON SCHEMA audit TO %I', service);
            EXECUTE format('GRANT INSERT ON audit.event TO %I', service);
        END IF;
    END LOOP;
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_registry') THEN
        GRANT SELECT ON audit.event TO fengqiao_registry;
    END IF;
END
$$;
