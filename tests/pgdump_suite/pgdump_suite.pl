# pgdump_suite.pl: PostgreSQL's own pg_dump test data (src/bin/pg_dump/t/002_pg_dump.pl, read at
# test time from the cache scripts/pgsrc.sh fills) run against ndump and nrestore.
#
#   perl pgdump_suite.pl --source 002_pg_dump.pl --major 18 --expect expectations.txt \
#        --ndump BIN --nrestore BIN --psql BIN
#
# The server is the caller's (PGHOST/PGPORT/PGUSER: run.sh starts a throwaway one). The file is
# Perl: we evaluate its first part, the %pgdump_runs and %tests tables, with our stub
# PostgreSQL::Test::* modules (stub/), and stop before it starts a cluster; the rest (creating
# the objects, running each run, matching each regexp) is written here, after the file's rules:
#   - every test's create_sql, in create_order (those without one last), one psql script per
#     database; tests needing collations are left out when the server cannot create one;
#   - every run whose dump_cmd is pg_dump is run with ndump, its restore_cmd (pg_restore) with
#     nrestore, with the same options; pg_dump's directory and tar formats become ndump's single
#     archive (the script nrestore prints from it is what the checks read, so the container does
#     not matter to them; the directory-layout glob checks are then not applicable);
#   - for each test of the run's database: when the run (or its test_key) is in the test's like
#     list (or all_runs is set) and not in its unlike list, the test's regexp must match the
#     run's .sql output; otherwise it must not.
# Runs that cannot be expressed (pg_dumpall, options ndump refuses with a usage error) and the
# checks known to fail are listed in the expectations file, each with its reason: an unlisted
# failure, or a listed one that now passes, fails the suite, so that list can only shrink.
use strict;
use warnings;
use FindBin;
use lib "$FindBin::Bin/stub";
use File::Temp ();
use Getopt::Long;

my %opt;
GetOptions(\%opt, 'source=s', 'major=s', 'expect=s', 'ndump=s', 'nrestore=s', 'psql=s', 'keep')
  or die "usage: see the head of $0\n";
for my $k (qw(source major expect ndump nrestore psql)) {
	die "pgdump_suite: --$k is required\n" unless defined $opt{$k};
}

# A directory the server (postgres user) can write into too: some create_sql name it.
my $tempdir = File::Temp::tempdir('pgdump_suite.XXXXXX', TMPDIR => 1, CLEANUP => !$opt{keep});
chmod 0777, $tempdir;
$ENV{PGDUMP_SUITE_TMP} = $tempdir;

# The compression programs the file's compress_cmd entries name through the environment.
for my $p (['GZIP_PROGRAM', 'gzip'], ['LZ4', 'lz4'], ['ZSTD', 'zstd']) {
	next if defined $ENV{ $p->[0] };
	my $found = grep { -x "$_/$p->[1]" } split /:/, $ENV{PATH};
	$ENV{ $p->[0] } = $p->[1] if $found;
}
# 002_pg_dump.pl asks this of the build; the ICU tests need a server built with ICU, which both
# of ours are (Debian's 15 and scripts/pg18.sh's 18).
$ENV{with_icu} //= 'yes';

my ($runs, $tests) = LoadTables($opt{source});
my $expect = LoadExpectations($opt{expect}, $opt{major});

my $collation_support = Psql('postgres', 'CREATE COLLATION pgdump_suite_c FROM "C"; '
	. 'DROP COLLATION pgdump_suite_c;', 1);
CreateObjects();

my (@report, $bad, %wildcard_failed);
for my $run (sort keys %$runs) {
	my ($state, $detail, $failed) = Run($run);
	my $line = sprintf '%-34s %s', $run, $state;
	$line .= " ($detail)" if defined $detail && $detail ne '';
	push @report, $line;
	push @report, map { "    $_" } @$failed;
	$bad = 1 if $state =~ /^(FAILED|STALE)/;
}
# A "*" entry is stale when its check failed in no run.
for my $test (sort keys %wildcard_failed) {
	delete $expect->{unused}{"fail * | $test"} if $wildcard_failed{$test};
}
# Expectations naming runs or checks that no longer exist, or no longer fail, are stale too.
for my $key (sort keys %{ $expect->{unused} }) {
	push @report, "stale expectation (no such run or check, or it no longer fails): $key";
	$bad = 1;
}
print "$_\n" for @report;
print "pgdump_suite: PostgreSQL $opt{major}, " . scalar(keys %$runs) . " runs, "
  . scalar(keys %$tests) . " tests in $opt{source}\n";
print "pgdump_suite: outputs kept in $tempdir\n" if $opt{keep};
exit($bad ? 1 : 0);

# The %pgdump_runs and %tests tables of 002_pg_dump.pl: its text up to the line that creates
# the cluster, evaluated with our stubs, returning references to its two lexical hashes.
sub LoadTables {
	my ($path) = @_;
	open my $fh, '<', $path or die "pgdump_suite: cannot read $path: $!\n";
	my $src = do { local $/; <$fh> };
	my $cut = index($src, 'my $node = PostgreSQL::Test::Cluster->new');
	die "pgdump_suite: $path: no cluster creation found; its layout changed\n" if $cut < 0;
	$src = substr($src, 0, $cut) . "\nreturn (\\%pgdump_runs, \\%tests);\n";
	my @tables = eval "package PgDumpTests;\n#line 1 \"$path\"\n" . $src;
	die "pgdump_suite: $path: $@" if $@;
	die "pgdump_suite: $path: tables not found\n" unless ref $tables[0] && ref $tables[1];
	return @tables;
}

# Lines of the expectations file, for this major version ("*" is every version):
#   unexpressible | MAJOR | RUN | reason
#   fail          | MAJOR | RUN or * | TEST | reason
sub LoadExpectations {
	my ($path, $major) = @_;
	my %e = (unexpressible => {}, fail => {}, unused => {});
	open my $fh, '<', $path or die "pgdump_suite: cannot read $path: $!\n";
	while (my $line = <$fh>) {
		chomp $line;
		next if $line =~ /^\s*(#|$)/;
		my @f = map { s/^\s+|\s+$//gr } split /\|/, $line;
		die "pgdump_suite: $path:$.: no reason given\n" if @f < 4 || $f[-1] eq '';
		next unless $f[1] eq '*' || $f[1] eq $major;
		if ($f[0] eq 'unexpressible' && @f == 4) {
			$e{unexpressible}{ $f[2] } = $f[3];
			$e{unused}{"unexpressible $f[2]"} = 1;
		} elsif ($f[0] eq 'fail' && @f == 5) {
			$e{fail}{"$f[2]\t$f[3]"} = $f[4];
			$e{unused}{"fail $f[2] | $f[3]"} = 1;
		} else {
			die "pgdump_suite: $path:$.: not an expectation line\n";
		}
	}
	return \%e;
}

# Runs SQL through psql in a database; returns true on success. With $quiet, errors are not shown.
sub Psql {
	my ($db, $sql, $quiet) = @_;
	my $file = "$tempdir/create_$db.sql";
	open my $fh, '>', $file or die "pgdump_suite: $file: $!\n";
	print $fh $sql;
	close $fh;
	my $redirect = $quiet ? ' >/dev/null 2>&1' : ' >/dev/null';
	return system("'$opt{psql}' -X -q -v ON_ERROR_STOP=1 -d '$db' -f '$file'$redirect") == 0;
}

sub Skipped {
	my ($t) = @_;
	return !$collation_support && (defined $t->{collation} || defined $t->{icu});
}

# The databases the tests and runs name, then each test's create_sql in create_order.
sub CreateObjects {
	my %dbs;
	$dbs{ $_->{database} } = 1 for grep { defined $_->{database} } values %$tests, values %$runs;
	delete $dbs{postgres};
	for my $db (sort keys %dbs) {
		Psql('postgres', "CREATE DATABASE $db;") or die "pgdump_suite: cannot create $db\n";
	}
	my $order = sub { $tests->{ $_[0] }{create_order} // 1e9 };
	my %sql;
	for my $name (sort { $order->($a) <=> $order->($b) or $a cmp $b } keys %$tests) {
		my $t = $tests->{$name};
		next unless $t->{create_sql};
		next if Skipped($t);
		my $create = $t->{create_sql};
		chomp $create;
		$create .= ';' unless $create =~ /;\z/;
		$sql{ $t->{database} // 'postgres' } .= "$create\n\n";
	}
	for my $db (sort keys %sql) {
		Psql($db, $sql{$db}) or die "pgdump_suite: creating the objects in $db failed\n";
	}
}

# pg_dump/pg_restore arguments for ndump/nrestore: the program, and the directory and tar formats
# as ndump's archive. Returns the command and whether a format was replaced.
sub Translate {
	my ($cmd) = @_;
	my @in = @$cmd;
	my $tool = shift @in;
	my %bin = (pg_dump => $opt{ndump}, pg_restore => $opt{nrestore});
	return (undef, 0) unless $bin{$tool};
	my (@out, $replaced);
	my $archive = sub {
		my ($f) = @_;
		return $f unless $f =~ /^(d|directory|t|tar)$/;
		$replaced = 1;
		return 'custom';
	};
	while (@in) {
		my $a = shift @in;
		if ($a =~ /^(-F|--format)$/ && @in) {
			push @out, $a, $archive->(shift @in);
		} elsif ($a =~ /^--format=(.*)$/) {
			push @out, '--format=' . $archive->($1);
		} elsif ($a =~ /^-F(.+)$/) {
			push @out, '-F' . $archive->($1);
		} else {
			push @out, $a;
		}
	}
	# pg_dump's default format is plain, ndump's is its archive: say which.
	if ($tool eq 'pg_dump' && !grep { /^(-F|--format)/ } @out) {
		unshift @out, '--format=plain';
	}
	return ([ $bin{$tool}, @out ], $replaced);
}

# Runs a command; returns its exit status and its stderr's first line.
sub Command {
	my ($cmd) = @_;
	my $err = "$tempdir/stderr";
	my $quoted = join ' ', map { "'" . s/'/'\\''/gr . "'" } @$cmd;
	system("$quoted >'$tempdir/stdout' 2>'$err'");
	my $status = $? == -1 ? 127 : $? >> 8;
	open my $fh, '<', $err or die;
	my $first = <$fh> // '';
	chomp $first;
	return ($status, $first);
}

# One run: its commands, then every check. Returns (state, detail, [failed check lines]).
sub Run {
	my ($run) = @_;
	my $r = $runs->{$run};
	my $listed = $expect->{unexpressible}{$run};
	delete $expect->{unused}{"unexpressible $run"};
	return ('not expressible', $listed) if $listed;
	my ($dump, $replaced) = Translate($r->{dump_cmd});
	my ($restore, $restore_replaced) = $r->{restore_cmd} ? Translate($r->{restore_cmd}) : ();
	$replaced ||= $restore_replaced;
	if (!$dump || ($r->{restore_cmd} && !$restore)) {
		return ('FAILED', "$r->{dump_cmd}[0] has no ndump counterpart and is not listed", []);
	}
	my ($status, $err) = Command($dump);
	if ($status == 0 && $restore) {
		($status, $err) = Command($restore);
	}
	return ('FAILED', "usage error, not listed as unexpressible: $err", []) if $status == 2;
	return ('FAILED', "exit $status: $err", []) if $status != 0;

	my @notes;
	push @notes, 'directory/tar format as ndump\'s archive' if $replaced;
	if (my $c = $r->{compress_cmd}) {
		return ('FAILED', 'no ' . ($c->{program} // 'compression program') . ' here', [])
		  unless defined $c->{program} && $c->{program} ne '';
		if (!$replaced) {
			my @full = ($c->{program}, map { glob $_ } @{ $c->{args} });
			my ($s, $e) = Command(\@full);
			return ('FAILED', "compress_cmd exit $s: $e", []) if $s != 0;
		}
	}
	if ($r->{glob_patterns} && !$replaced) {
		for my $g (@{ $r->{glob_patterns} }) {
			my @found = glob $g;
			return ('FAILED', "nothing matches $g", []) unless @found;
		}
	}
	# (name, passed, description) of every check of the run.
	my @checks;
	if (my $cl = $r->{command_like}) {
		my ($cmd) = Translate($cl->{command});
		my ($s, $e) = Command($cmd);
		my $out = PostgreSQL::Test::Utils::slurp_file("$tempdir/stdout");
		my $ok = ($s == 0 && $out =~ $cl->{expected}) ? 1 : 0;
		push @checks, [ $cl->{name}, $ok, "command: $cl->{name}" ];
	}
	my $output = PostgreSQL::Test::Utils::slurp_file("$tempdir/$run.sql");
	my $key = $r->{test_key} // $run;
	my $run_db = $r->{database} // 'postgres';
	for my $test (sort keys %$tests) {
		my $t = $tests->{$test};
		next if Skipped($t);
		next if ($t->{database} // 'postgres') ne $run_db;
		my $want = ($t->{like}{$key} || $t->{all_runs}) && !defined $t->{unlike}{$key};
		my $ok = $want ? $output =~ $t->{regexp} : $output !~ $t->{regexp};
		push @checks, [ $test, $ok, ($want ? 'should dump ' : 'should not dump ') . $test ];
	}
	my ($passed, @failed, @known, @stale) = (0);
	for my $c (@checks) {
		my ($test, $ok, $what) = @$c;
		# A run's own entry must fail in that run; a "*" entry in at least one run (checked
		# once all runs are done, through %wildcard_failed).
		my $own = $expect->{fail}{"$run\t$test"};
		my $any = $expect->{fail}{"*\t$test"};
		delete $expect->{unused}{"fail $run | $test"} if defined $own;
		$wildcard_failed{$test} ||= !$ok if defined $any;
		my $known = $own // $any;
		if ($ok && defined $own) {
			push @stale, "$what: passes, but is listed as a known failure of this run";
		} elsif ($ok) {
			$passed++;
		} elsif (defined $known) {
			push @known, $what;
		} else {
			push @failed, $what;
		}
	}
	push @notes, "$passed checks pass";
	push @notes, scalar(@known) . ' known failures' if @known;
	my $detail = join '; ', @notes;
	return ('FAILED', $detail, [ @failed, @stale ]) if @failed || @stale;
	return ('passed', $detail, [ map { "known: $_" } @known ]);
}
