/* newsdesk: a news-site engine. main() only hands argv to the CLI. */
#include "cli/cli.h"

int main(int argc, char **argv)
{
	return nd_cli_main(argc, argv);
}
