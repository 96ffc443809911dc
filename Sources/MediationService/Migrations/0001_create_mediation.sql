-- Mediation's tables: disputes, their parties, grades, assignments, stage moves, escalations,
-- agreements, failures and follow-up visits. Released migrations never change.
--
-- A dispute row holds its state as it stands (stage, handling level, the grade in force, the
-- current mediators, when it falls due); the other tables are its history, appended to in the
-- same transaction as each change. `version` goes up by one with every change.
--
-- Kinds are stored as the short names of the proto enums (`screening`, `on_site`, …); names,
-- national ID numbers and phone numbers of parties are sealed values (`v1:<key>:…`), never clear.

-- Instants cross the wire as Unix milliseconds; these convert at the edge of every statement.
CREATE FUNCTION mediation.ms(t timestamptz) RETURNS bigint
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (extract(epoch FROM t) * 1000)::bigint;
CREATE FUNCTION mediation.instant(ms bigint) RETURNS timestamptz
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN to_timestamp(ms::float8 / 1000);

CREATE TABLE mediation.dispute (
    id                        bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version                   bigint NOT NULL DEFAULT 1 CHECK (version >= 1),
    -- The filing's idempotency key and a digest of its request, to tell a retry from a reuse.
    idempotency_key           text NOT NULL CONSTRAINT dispute_idempotency_key_key UNIQUE,
    request_digest            bytea NOT NULL,
    station_id                bigint NOT NULL,
    community_id              bigint NOT NULL,
    -- The community and every unit above it, as the registry had them at filing: the unit filter.
    unit_path                 bigint[] NOT NULL,
    grid_id                   bigint,
    source                    text NOT NULL,
    category                  text NOT NULL,
    description               text NOT NULL,
    people_involved           integer NOT NULL CHECK (people_involved BETWEEN 1 AND 100000),
    risk_flags                text[] NOT NULL DEFAULT '{}',
    reported_at               timestamptz NOT NULL,
    reported_by_person_id     bigint,
    reported_by_name          text NOT NULL DEFAULT '',
    filed_at                  timestamptz NOT NULL DEFAULT now(),
    filed_by_person_id        bigint,
    filed_by_credential_id    bigint NOT NULL,
    -- The grade in force (its history, this one included, is in mediation.grade).
    level                     integer NOT NULL CHECK (level BETWEEN 1 AND 5),
    stage                     text NOT NULL,
    stage_entered_at          timestamptz NOT NULL,
    handling_level            text NOT NULL,
    escalated_beyond_station  boolean NOT NULL DEFAULT false,
    -- The lead and co-mediators of the current assignment.
    mediator_ids              bigint[] NOT NULL DEFAULT '{}',
    -- When it falls due (stage limit or earliest pending visit), kept with every change.
    due_at                    timestamptz,
    related_dispute_ids       bigint[] NOT NULL DEFAULT '{}',
    updated_at                timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX dispute_station_idx ON mediation.dispute (station_id, id);
CREATE INDEX dispute_unit_path_idx ON mediation.dispute USING gin (unit_path);
CREATE INDEX dispute_mediators_idx ON mediation.dispute USING gin (mediator_ids);
CREATE INDEX dispute_due_idx ON mediation.dispute (due_at, id) WHERE due_at IS NOT NULL;
CREATE INDEX dispute_reported_idx ON mediation.dispute (reported_at);

CREATE TABLE mediation.party (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id          bigint NOT NULL REFERENCES mediation.dispute (id),
    position            integer NOT NULL,
    name                text NOT NULL CONSTRAINT party_name_sealed CHECK (name LIKE 'v1:%'),
    role                text NOT NULL,
    phone               text CONSTRAINT party_phone_sealed CHECK (phone LIKE 'v1:%'),
    phone_hash          bytea CHECK (octet_length(phone_hash) = 32),
    national_id         text CONSTRAINT party_national_id_sealed CHECK (national_id LIKE 'v1:%'),
    national_id_hash    bytea CHECK (octet_length(national_id_hash) = 32),
    -- Masked forms, kept so that lists need not open every sealed value.
    masked_name         text NOT NULL,
    masked_phone        text NOT NULL DEFAULT '',
    masked_national_id  text NOT NULL DEFAULT '',
    resident_id         bigint,
    person_id           bigint,
    household_id        bigint,
    CONSTRAINT party_position_key UNIQUE (dispute_id, position)
);
CREATE INDEX party_resident_idx ON mediation.party (resident_id) WHERE resident_id IS NOT NULL;
CREATE INDEX party_person_idx ON mediation.party (person_id) WHERE person_id IS NOT NULL;
CREATE INDEX party_national_id_idx ON mediation.party (national_id_hash) WHERE national_id_hash IS NOT NULL;

CREATE TABLE mediation.grade (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id          bigint NOT NULL REFERENCES mediation.dispute (id),
    level               integer NOT NULL CHECK (level BETWEEN 1 AND 5),
    suggested_level     integer NOT NULL CHECK (suggested_level BETWEEN 1 AND 5),
    reasons             text[] NOT NULL,
    overridden          boolean NOT NULL,
    override_reason     text NOT NULL DEFAULT '',
    people_involved     integer NOT NULL,
    risk_flags          text[] NOT NULL,
    repeat_of           bigint REFERENCES mediation.dispute (id),
    graded_at           timestamptz NOT NULL DEFAULT now(),
    graded_by_person_id bigint
);
CREATE INDEX grade_dispute_idx ON mediation.grade (dispute_id, id);

CREATE TABLE mediation.assignment (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id             bigint NOT NULL REFERENCES mediation.dispute (id),
    lead_person_id         bigint NOT NULL,
    lead_name              text NOT NULL,
    lead_tier              text NOT NULL,
    level                  integer NOT NULL,
    tier_fits              boolean NOT NULL,
    tier_override_reason   text NOT NULL DEFAULT '',
    -- [{"person_id": 30, "name": "…", "role": "five_elders", "organisation": "…"}]
    co_mediators           jsonb NOT NULL DEFAULT '[]',
    note                   text NOT NULL DEFAULT '',
    assigned_at            timestamptz NOT NULL DEFAULT now(),
    assigned_by_person_id  bigint,
    ended_at               timestamptz
);
CREATE INDEX assignment_dispute_idx ON mediation.assignment (dispute_id, id);
CREATE UNIQUE INDEX assignment_current_key ON mediation.assignment (dispute_id) WHERE ended_at IS NULL;

CREATE TABLE mediation.stage_move (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id        bigint NOT NULL REFERENCES mediation.dispute (id),
    from_stage        text NOT NULL,
    to_stage          text NOT NULL,
    moved_at          timestamptz NOT NULL,
    moved_by_person_id bigint,
    note              text NOT NULL DEFAULT '',
    version           bigint NOT NULL,
    recorded_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stage_move_dispute_idx ON mediation.stage_move (dispute_id, id);

CREATE TABLE mediation.escalation (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id              bigint NOT NULL REFERENCES mediation.dispute (id),
    from_level              text NOT NULL,
    to_level                text NOT NULL,
    departments             text[] NOT NULL DEFAULT '{}',
    other_department        text NOT NULL DEFAULT '',
    reason                  text NOT NULL,
    beyond_station          boolean NOT NULL,
    escalated_at            timestamptz NOT NULL,
    escalated_by_person_id  bigint
);
CREATE INDEX escalation_dispute_idx ON mediation.escalation (dispute_id, id);

CREATE TABLE mediation.agreement (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id             bigint NOT NULL REFERENCES mediation.dispute (id),
    terms                  text NOT NULL,
    consenting_party_ids   bigint[] NOT NULL,
    signed_at              timestamptz NOT NULL,
    recorded_at            timestamptz NOT NULL DEFAULT now(),
    recorded_by_person_id  bigint,
    superseded_at          timestamptz
);
CREATE INDEX agreement_dispute_idx ON mediation.agreement (dispute_id, id);
CREATE UNIQUE INDEX agreement_current_key ON mediation.agreement (dispute_id) WHERE superseded_at IS NULL;

CREATE TABLE mediation.failure (
    dispute_id             bigint PRIMARY KEY REFERENCES mediation.dispute (id),
    reason                 text NOT NULL,
    detail                 text NOT NULL,
    failed_at              timestamptz NOT NULL,
    recorded_by_person_id  bigint
);

CREATE TABLE mediation.follow_up (
    id                      bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    dispute_id              bigint NOT NULL REFERENCES mediation.dispute (id),
    agreement_id            bigint NOT NULL REFERENCES mediation.agreement (id),
    due_date                date NOT NULL,
    scheduled_by_hand       boolean NOT NULL,
    scheduled_at            timestamptz NOT NULL DEFAULT now(),
    scheduled_by_person_id  bigint,
    result                  text,
    visited_at              timestamptz,
    visited_by_person_id    bigint,
    note                    text NOT NULL DEFAULT '',
    relapse_action          text,
    new_dispute_id          bigint REFERENCES mediation.dispute (id),
    cancelled               boolean NOT NULL DEFAULT false
);
CREATE INDEX follow_up_dispute_idx ON mediation.follow_up (dispute_id, id);

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_mediation') THEN
        GRANT USAGE ON SCHEMA mediation TO fengqiao_mediation;
        -- Nothing is ever deleted: history is appended, state is updated.
        GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA mediation TO fengqiao_mediation;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA mediation TO fengqiao_mediation;
    END IF;
END
$$;
