/*
 * ndump_seclabel: the security label provider "ndump_test", a PostgreSQL server module for
 * ndump's tests and nothing else.
 *
 * SECURITY LABEL FOR x ... fails unless a provider named x is registered in the session, and the
 * providers that exist (sepgsql, which needs SELinux, and PostgreSQL's regression-test module,
 * which Debian does not ship) cannot be loaded on the test machines. Once this module is loaded
 * (session_preload_libraries, see tests/support/src/extension.cc), labels of provider ndump_test
 * can be set on every object kind SECURITY LABEL takes, so dumps can be restored for real.
 *
 * Only the labels of kLabels are accepted; anything else is an error. A label that a dump or a
 * restore mangled on its way (quoting, encoding, truncation) is therefore refused by the server
 * instead of being stored quietly. A NULL label (SECURITY LABEL ... IS NULL) removes the label and
 * is always allowed.
 *
 * Built against the server headers (postgresql-server-dev-15) by tests/seclabel/CMakeLists.txt.
 */
#include "postgres.h"

#include <string.h>

#include "commands/seclabel.h"
#include "fmgr.h"

PG_MODULE_MAGIC;

/* Called once per backend when the module is loaded. */
extern PGDLLEXPORT void _PG_init(void);

/*
 * The accepted labels. The last ones are there for the tests of quoting: a single quote, double
 * quotes, a backslash, a semicolon, a newline and non-ASCII text (UTF-8).
 */
static const char *const kLabels[] = {
    "unclassified",
    "classified",
    "secret",
    "top secret",
    "it's \"need to know\"; eyes only",
    "back\\slash\nand new line",
    "\xc3\xbc"
    "ber-geheim \xe6\xa9\x9f\xe5\xaf\x86",
};

/*
 * The hook PostgreSQL calls before it stores (or removes) a label of this provider on `object`.
 * Returning means yes; ereport(ERROR) refuses the statement. Every object kind is accepted.
 */
static void
CheckLabel(const ObjectAddress *object, const char *label)
{
  size_t i;

  (void) object;
  if (label == NULL)
    return;
  for (i = 0; i < sizeof(kLabels) / sizeof(kLabels[0]); i++)
  {
    if (strcmp(label, kLabels[i]) == 0)
      return;
  }
  ereport(ERROR,
          (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
           errmsg("\"%s\" is not a security label of provider ndump_test", label),
           errhint("The accepted labels are listed in ndump's tests/seclabel/ndump_seclabel.c.")));
}

void
_PG_init(void)
{
  register_label_provider("ndump_test", CheckLabel);
}
