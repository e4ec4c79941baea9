"""HTTP adapters, one package per dialect, thin over `services/`. `api.http.build_http_app`
assembles the FastAPI application from them."""
