"""The mutoscope service: a FastAPI app over the database, blob storage and the job queue.

Domain packages (accounts, generations, webhooks, …) each own their models, schemas, service and router;
`errors.py` alone maps project errors to HTTP. The server never imports torch, diffusers, ray or a backend: workers
run generations through the jobs layer.
"""
