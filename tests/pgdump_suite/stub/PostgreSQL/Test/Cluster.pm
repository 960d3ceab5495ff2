# Our stand-in for PostgreSQL's test cluster class: pgdump_suite.pl stops reading 002_pg_dump.pl
# before its first use, so nothing here is ever called.
package PostgreSQL::Test::Cluster;

use strict;
use warnings;

sub new { die "PostgreSQL::Test::Cluster is a stub: pgdump_suite.pl starts no cluster\n"; }

1;
