"""Reference code sets Rounds uses (ICD-10-CM for diagnoses), loaded once and searched in memory."""
