-- LEDES as e-billing portals check it (issue 17). CLIENT_ID is the firm's own client number, never a cut internal
-- id: every client gets one (existing clients in the order they were created), editable by the firm.
CREATE SEQUENCE "client_number_seq";

ALTER TABLE "Client" ADD COLUMN "number" TEXT;
UPDATE "Client" c SET "number" = 'C' || lpad(nextval('client_number_seq')::text, 5, '0')
  FROM (SELECT id FROM "Client" ORDER BY "createdAt", id) o WHERE o.id = c.id;
ALTER TABLE "Client" ALTER COLUMN "number" SET DEFAULT ('C'::text || lpad((nextval('client_number_seq'::regclass))::text, 5, '0'::text));
ALTER TABLE "Client" ALTER COLUMN "number" SET NOT NULL;

-- CreateIndex
CREATE UNIQUE INDEX "Client_firmId_number_key" ON "Client"("firmId", "number");

-- TIMEKEEPER_CLASSIFICATION: the LEDES Oversight Committee's codes in place of the short ones used so far; anything
-- else is cleared and derived from the user's role again.
UPDATE "User" SET classification = CASE classification
    WHEN 'PT' THEN 'PARTNR' WHEN 'AS' THEN 'ASSOCT' WHEN 'OC' THEN 'OFCOUN' WHEN 'PL' THEN 'PARLEG'
    WHEN 'LA' THEN 'LEGAST' WHEN 'OT' THEN 'OTHTKR' ELSE NULL END
  WHERE classification IS NOT NULL AND classification NOT IN ('PARTNR', 'ASSOCT', 'OFCOUN', 'PARLEG', 'LEGAST', 'OTHTKR');
