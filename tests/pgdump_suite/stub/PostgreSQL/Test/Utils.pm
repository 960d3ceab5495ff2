# Our stand-in for PostgreSQL's test library, so that pgdump_suite.pl can load the data part of
# src/bin/pg_dump/t/002_pg_dump.pl without starting anything. Only what that part calls is here.
package PostgreSQL::Test::Utils;

use strict;
use warnings;
use Exporter 'import';

our @EXPORT = qw(check_pg_config slurp_file);

# 002_pg_dump.pl multiplies it into --lock-wait-timeout values.
our $timeout_default = 180;

# The directory the runs write into: the runner's own temporary directory.
sub tempdir { return $ENV{PGDUMP_SUITE_TMP} // die "PGDUMP_SUITE_TMP is not set\n"; }

# Which compression libraries the build has: the runner asks the run itself (ndump rejects what
# it lacks), so every run is attempted.
sub check_pg_config { return 1; }

sub slurp_file {
	my ($path) = @_;
	open my $fh, '<', $path or die "cannot read $path: $!\n";
	local $/;
	return scalar <$fh>;
}

1;
