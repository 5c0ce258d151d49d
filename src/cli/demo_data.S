/* The demo corpus (demo/ecbplus-demo.jsonl), linked into the binary so
 * `newsdesk demo` works from anywhere. ND_DEMO_FILE comes from CMake. */
	.section .rodata
	.global nd_demo_corpus
	.global nd_demo_corpus_end
	.balign 16
nd_demo_corpus:
	.incbin ND_DEMO_FILE
nd_demo_corpus_end:
	.byte 0
	.section .note.GNU-stack,"",@progbits
