"""Background work: the Dramatiq broker, actors, progress publishing and the worker heartbeat."""
