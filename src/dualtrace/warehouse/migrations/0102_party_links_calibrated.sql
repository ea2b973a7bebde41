-- A party link keeps the calibrated name probability beside the alert score, with its parts
-- (screening.calibration: a JSON list of {name, weight, value, detail}), so an analyst sees how
-- often a score like it is right among the candidates screening returns.
ALTER TABLE party_links ADD COLUMN IF NOT EXISTS calibrated DOUBLE;
ALTER TABLE party_links ADD COLUMN IF NOT EXISTS calibration JSON;
