-- A list name written without short vowels (Arabic, Hebrew) has only sound keys: blocking
-- measures the keys it shares against the query's sound keys, not against all of them.
ALTER TABLE screen_names ADD COLUMN IF NOT EXISTS sound_only BOOLEAN DEFAULT false;
