"""An offline mirror of source sites, written by us, served on 127.0.0.1 so the pipeline runs without internet."""
