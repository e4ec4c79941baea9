"""PyAV/ffmpeg work: camera sources, ingest workers, the slice recorder, probing and salvage.

Threads: each ingest worker owns one thread; a PyAV container is only used by the thread that
opened it. Nothing here touches the database: results leave through callbacks given by services.
"""
