-- Run once by the postgres image on an empty volume: MLflow's own database (Temporal's auto-setup
-- creates "temporal" and "temporal_visibility" itself).
CREATE DATABASE mlflow;
