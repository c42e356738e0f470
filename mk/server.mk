# Local docassemble server (scripts/server.sh; state in var/server/, all on 127.0.0.1).
#   make serve   start it, print the interview URL, stay in the foreground; Ctrl-C stops it
#   make up      start it in the background and return (idempotent)
#   make down    stop it (idempotent)
#   make server-status / server-reset   one line per component / stop and delete var/server
# Ports: RDV_PORT (8080), RDV_PG_PORT (5433), RDV_REDIS_PORT (6380); RDV_DEBUG=1 for debug mode.
# `setup` first: the server runs the wheel installed in .venv, so it serves the current code.
SERVER_SH := bash scripts/server.sh

.PHONY: serve up down server-status server-reset

serve: setup
	@$(SERVER_SH) serve

up: setup
	@$(SERVER_SH) start

down:
	@$(SERVER_SH) stop

server-status:
	@$(SERVER_SH) status

server-reset:
	@$(SERVER_SH) reset
