-- Every finding's score explained by typed parts (findings.model.ScorePart), one shape for all
-- engines: a JSON list of {name, weight, value, detail}.
ALTER TABLE findings ADD COLUMN IF NOT EXISTS explanation JSON;
