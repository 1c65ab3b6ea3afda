"""The security suite: transport, TLS, headers, cookies, CORS, exposure, opt-in active probes."""
