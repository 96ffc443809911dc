-- The registry's tables: units, people, teams, mediators, 一标三实, chat groups.
-- Released migrations never change; later changes are new numbered files.
--
-- Only units record their station (kept right when a unit moves); every other row reaches its
-- station through its unit, so a move never leaves a stale station behind.

CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE registry.unit (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    code        text NOT NULL CONSTRAINT unit_code_key UNIQUE,
    name        text NOT NULL,
    kind        text NOT NULL CONSTRAINT unit_kind_check CHECK (kind IN (
                    'bureau', 'station', 'police_room', 'police_district', 'grid',
                    'community', 'village', 'scenic_area', 'compound')),
    parent_id   bigint CONSTRAINT unit_parent_fkey REFERENCES registry.unit (id),
    -- The station the unit belongs to (itself for a station); NULL for a bureau.
    station_id  bigint CONSTRAINT unit_station_fkey REFERENCES registry.unit (id),
    -- Ids from the root down to the unit itself, for subtree queries (path @> ARRAY[id]).
    path        bigint[] NOT NULL,
    latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT unit_location_check CHECK ((latitude IS NULL) = (longitude IS NULL)),
    CONSTRAINT unit_root_check CHECK ((parent_id IS NULL) = (kind = 'bureau'))
);
CREATE INDEX unit_parent_idx ON registry.unit (parent_id, id);
CREATE INDEX unit_station_idx ON registry.unit (station_id, id);
CREATE INDEX unit_path_idx ON registry.unit USING gin (path);
CREATE INDEX unit_name_trgm_idx ON registry.unit USING gin (name gin_trgm_ops);

CREATE TABLE registry.unit_change (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    unit_id        bigint NOT NULL REFERENCES registry.unit (id),
    at             timestamptz NOT NULL DEFAULT now(),
    change         text NOT NULL CHECK (change IN ('created', 'renamed', 'moved', 'located')),
    old_name       text,
    new_name       text,
    old_parent_id  bigint,
    new_parent_id  bigint,
    reason         text NOT NULL DEFAULT ''
);
CREATE INDEX unit_change_unit_idx ON registry.unit_change (unit_id, id);

CREATE TABLE registry.person (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL,
    kinds               text[] NOT NULL,
    home_unit_id        bigint NOT NULL REFERENCES registry.unit (id),
    phone               text NOT NULL DEFAULT '',
    national_id         text,
    active              boolean NOT NULL DEFAULT true,
    deactivated_reason  text,
    created_at          timestamptz NOT NULL DEFAULT now(),
    updated_at          timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX person_national_id_key ON registry.person (national_id) WHERE national_id IS NOT NULL;
CREATE INDEX person_home_unit_idx ON registry.person (home_unit_id, id);
CREATE INDEX person_name_trgm_idx ON registry.person USING gin (name gin_trgm_ops);

-- What changed on a person, without the personal data itself (names of fields, not values).
CREATE TABLE registry.person_change (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    person_id  bigint NOT NULL REFERENCES registry.person (id),
    at         timestamptz NOT NULL DEFAULT now(),
    change     text NOT NULL,
    fields     text[] NOT NULL DEFAULT '{}',
    reason     text NOT NULL DEFAULT ''
);
CREATE INDEX person_change_person_idx ON registry.person_change (person_id, id);

CREATE TABLE registry.team (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name        text NOT NULL,
    kind        text NOT NULL,
    unit_id     bigint NOT NULL REFERENCES registry.unit (id),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT team_unit_name_key UNIQUE (unit_id, name)
);
CREATE INDEX team_unit_idx ON registry.team (unit_id, kind, id);

CREATE TABLE registry.team_member (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    team_id     bigint NOT NULL REFERENCES registry.team (id),
    person_id   bigint NOT NULL REFERENCES registry.person (id),
    role        text NOT NULL DEFAULT '',
    start_date  date NOT NULL,
    end_date    date,
    CONSTRAINT team_member_dates_check CHECK (end_date IS NULL OR end_date >= start_date)
);
-- One open membership per person and team.
CREATE UNIQUE INDEX team_member_open_key ON registry.team_member (team_id, person_id) WHERE end_date IS NULL;
CREATE INDEX team_member_team_idx ON registry.team_member (team_id, start_date);
CREATE INDEX team_member_person_idx ON registry.team_member (person_id);

CREATE TABLE registry.mediator (
    person_id       bigint PRIMARY KEY REFERENCES registry.person (id),
    tier            text NOT NULL CHECK (tier IN ('gold', 'silver', 'copper', 'iron', 'tin')),
    force           text NOT NULL,
    categories      text[] NOT NULL DEFAULT '{}',
    community_ids   bigint[] NOT NULL DEFAULT '{}',
    max_open_cases  integer NOT NULL CHECK (max_open_cases BETWEEN 1 AND 100),
    open_cases      integer NOT NULL DEFAULT 0 CHECK (open_cases >= 0),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE registry.address (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    text        text NOT NULL,
    unit_id     bigint NOT NULL REFERENCES registry.unit (id),
    grid_id     bigint REFERENCES registry.unit (id),
    qr_code     text CONSTRAINT address_qr_code_key UNIQUE,
    latitude    double precision CHECK (latitude BETWEEN -90 AND 90),
    longitude   double precision CHECK (longitude BETWEEN -180 AND 180),
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT address_unit_text_key UNIQUE (unit_id, text)
);

CREATE TABLE registry.building (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    address_id  bigint NOT NULL REFERENCES registry.address (id),
    name        text NOT NULL,
    floors      integer NOT NULL CHECK (floors BETWEEN 1 AND 200),
    unit_id     bigint NOT NULL REFERENCES registry.unit (id),
    CONSTRAINT building_address_name_key UNIQUE (address_id, name)
);

CREATE TABLE registry.household (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    building_id  bigint REFERENCES registry.building (id),
    floor        integer NOT NULL DEFAULT 0,
    door         text NOT NULL DEFAULT '',
    address_id   bigint NOT NULL REFERENCES registry.address (id),
    unit_id      bigint NOT NULL REFERENCES registry.unit (id)
);
CREATE UNIQUE INDEX household_building_door_key ON registry.household (building_id, door) WHERE building_id IS NOT NULL;
CREATE UNIQUE INDEX household_address_key ON registry.household (address_id) WHERE building_id IS NULL;

CREATE TABLE registry.resident (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name          text NOT NULL,
    kind          text NOT NULL CHECK (kind IN ('registered', 'floating')),
    national_id   text,
    phone         text NOT NULL DEFAULT '',
    household_id  bigint REFERENCES registry.household (id),
    unit_id       bigint NOT NULL REFERENCES registry.unit (id),
    moved_in      date,
    moved_out     date,
    created_at    timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT resident_dates_check CHECK (moved_out IS NULL OR moved_in IS NULL OR moved_out >= moved_in)
);
-- Natural keys, so that importing the same file twice adds nobody: a national ID number names one
-- current resident; without one, a name names one current resident of a household, or, for a
-- resident placed in no household, of the unit.
CREATE UNIQUE INDEX resident_national_id_key ON registry.resident (national_id)
    WHERE national_id IS NOT NULL AND moved_out IS NULL;
CREATE UNIQUE INDEX resident_household_name_key ON registry.resident (household_id, name)
    WHERE national_id IS NULL AND household_id IS NOT NULL AND moved_out IS NULL;
CREATE UNIQUE INDEX resident_unit_name_key ON registry.resident (unit_id, name)
    WHERE national_id IS NULL AND household_id IS NULL AND moved_out IS NULL;
CREATE INDEX resident_unit_idx ON registry.resident (unit_id, id);
CREATE INDEX resident_household_idx ON registry.resident (household_id);

CREATE TABLE registry.actual_unit (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name              text NOT NULL,
    kind              text NOT NULL,
    small_venue_kind  text,
    address_id        bigint NOT NULL REFERENCES registry.address (id),
    unit_id           bigint NOT NULL REFERENCES registry.unit (id),
    CONSTRAINT actual_unit_venue_check CHECK ((kind = 'small_venue') = (small_venue_kind IS NOT NULL))
);
CREATE INDEX actual_unit_unit_idx ON registry.actual_unit (unit_id, id);

CREATE TABLE registry.chat_group (
    id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name                text NOT NULL,
    kind                text NOT NULL,
    unit_id             bigint NOT NULL REFERENCES registry.unit (id),
    member_count        bigint NOT NULL DEFAULT 0 CHECK (member_count >= 0),
    services_delivered  bigint NOT NULL DEFAULT 0 CHECK (services_delivered >= 0),
    created_at          timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT chat_group_unit_name_key UNIQUE (unit_id, name)
);

-- The service's own login may read and write here (no DELETE: nothing is hard-deleted). Roles that
-- do not exist in this cluster are skipped. Analytics gets no access here: it reads rollups.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'fengqiao_registry') THEN
        GRANT USAGE ON SCHEMA registry TO fengqiao_registry;
        GRANT SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA registry TO fengqiao_registry;
        GRANT USAGE ON ALL SEQUENCES IN SCHEMA registry TO fengqiao_registry;
    END IF;
END
$$;
