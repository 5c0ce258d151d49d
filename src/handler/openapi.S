/*
 * The OpenAPI 3 description of the JSON API (handler/openapi.json), linked
 * into the binary: GET /api/openapi.json serves these bytes, so the
 * description always matches the binary that answers. tests/e2e checks
 * that every /api route of route/routes.def is described.
 *
 * nd__openapi_json: the file and a NUL (JSON text holds none).
 * .incbin looks the file up in the -I directories (src/).
 */
	.section .rodata
	.globl nd__openapi_json
nd__openapi_json:
	.incbin "handler/openapi.json"
	.byte 0

	/* No executable stack. */
	.section .note.GNU-stack, "", %progbits
