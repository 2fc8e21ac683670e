-- v7: funding sources (issue 14). A payment says where its money came from, a refund where it
-- goes back to: 'balance', 'card:<card id>' or 'carrier' (the phone bill). NULL for other kinds
-- and for rows synced before v7 (the balance).
ALTER TABLE operations ADD COLUMN source TEXT;
ALTER TABLE history ADD COLUMN source TEXT;
