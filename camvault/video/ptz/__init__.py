"""PTZ drivers: one small interface (`base.PtzDriver`) with two implementations, the synthetic
camera's own controller (`synthetic.SyntheticPtz`, read by the synthetic source on the ingest thread)
and ONVIF PTZ over SOAP (`onvif.OnvifPtz`). They live beside the sources because, like them, they are
how camvault talks to a camera; `services/ptz.py` picks one per camera."""
