-- National ID numbers and phone numbers are stored sealed (AES-256-GCM, `v1:<key id>:<base64>`,
-- see docs/SECURITY.md), each with a keyed hash beside it for exact-match lookups and the natural
-- keys. The database never sees a value in clear and cannot seal one itself: values written before
-- this migration are sealed by the registry when it starts (and resealed when the current key
-- changes). The NOT VALID checks hold every row written from now on to the sealed form; rows not
-- yet sealed are exempt until the registry seals them.

ALTER TABLE registry.person
    ALTER COLUMN phone DROP NOT NULL,
    ALTER COLUMN phone DROP DEFAULT,
    ADD COLUMN national_id_hash bytea,
    ADD COLUMN phone_hash bytea;
UPDATE registry.person SET phone = NULL WHERE phone = '';
ALTER TABLE registry.person
    ADD CONSTRAINT person_national_id_sealed CHECK (
        (national_id IS NULL AND national_id_hash IS NULL)
        OR (national_id LIKE 'v1:%' AND octet_length(national_id_hash) = 32)) NOT VALID,
    ADD CONSTRAINT person_phone_sealed CHECK (
        (phone IS NULL AND phone_hash IS NULL)
        OR (phone LIKE 'v1:%' AND octet_length(phone_hash) = 32)) NOT VALID;
DROP INDEX registry.person_national_id_key;
CREATE UNIQUE INDEX person_national_id_key ON registry.person (national_id_hash) WHERE national_id_hash IS NOT NULL;
CREATE INDEX person_phone_hash_idx ON registry.person (phone_hash) WHERE phone_hash IS NOT NULL;

ALTER TABLE registry.resident
    ALTER COLUMN phone DROP NOT NULL,
    ALTER COLUMN phone DROP DEFAULT,
    ADD COLUMN national_id_hash bytea,
    ADD COLUMN phone_hash bytea;
UPDATE registry.resident SET phone = NULL WHERE phone = '';
ALTER TABLE registry.resident
    ADD CONSTRAINT resident_national_id_sealed CHECK (
        (national_id IS NULL AND national_id_hash IS NULL)
        OR (national_id LIKE 'v1:%' AND octet_length(national_id_hash) = 32)) NOT VALID,
    ADD CONSTRAINT resident_phone_sealed CHECK (
        (phone IS NULL AND phone_hash IS NULL)
        OR (phone LIKE 'v1:%' AND octet_length(phone_hash) = 32)) NOT VALID;
-- A national ID number names one current resident (the import's natural key).
DROP INDEX registry.resident_national_id_key;
CREATE UNIQUE INDEX resident_national_id_key ON registry.resident (national_id_hash)
    WHERE national_id_hash IS NOT NULL AND moved_out IS NULL;
CREATE INDEX resident_phone_hash_idx ON registry.resident (phone_hash) WHERE phone_hash IS NOT NULL;
