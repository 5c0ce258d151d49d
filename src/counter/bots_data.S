/* The bot User-Agent list (data/crawler-user-agents/crawler-user-agents.json),
 * linked into the binary so the view counter needs no file at run time.
 * ND_BOTS_FILE comes from CMake. nd_bots_json_size is its length in bytes
 * (a size_t), so C code need not subtract two unrelated symbols. */
	.section .rodata
	.global nd_bots_json
	.global nd_bots_json_end
	.global nd_bots_json_size
	.balign 16
nd_bots_json:
	.incbin ND_BOTS_FILE
nd_bots_json_end:
	.byte 0
	.balign 8
nd_bots_json_size:
	.quad nd_bots_json_end - nd_bots_json
	.section .note.GNU-stack,"",@progbits
