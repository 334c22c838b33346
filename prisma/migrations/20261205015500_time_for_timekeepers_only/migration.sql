-- Billing integrity: reading a thread drafted messaging time for whoever read it, supervisors and admins included.
-- From now on only a matter's members in a timekeeping role (lawyer, staff) record time on it. Drafts already made
-- for anyone else are not deleted: they are written off with the reason, so that the record shows what happened.
UPDATE "TimeEntry" te
   SET state = 'written_off',
       "writeOffReason" = 'Written off automatically: drafted for someone who does not keep time on this matter (not a member in a timekeeping role); reading a thread is not client time for them',
       "updatedAt" = now()
 WHERE te.state = 'draft'
   AND (NOT EXISTS (SELECT 1 FROM "MatterMember" mm WHERE mm."matterId" = te."matterId" AND mm."userId" = te."userId")
        OR EXISTS (SELECT 1 FROM "User" u WHERE u.id = te."userId" AND u.role::text NOT IN ('lawyer', 'staff')));
