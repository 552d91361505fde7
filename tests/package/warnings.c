/* A plugin source a third party might write: it draws -Wall -Wextra
 * warnings (an unused function, an unused parameter), which must not stop
 * it building under tensorplug_add_backend() without WARNINGS_AS_ERRORS. */
#include <tensorplug/plugin_api.h>

static int never_called(void) { return 0; }

int consumer_warnings_helper(int unused_parameter);
int consumer_warnings_helper(int unused_parameter) { return 1; }
