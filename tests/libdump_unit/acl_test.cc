// Privileges as the difference from an object's initial ones (ddl/acl.h), and the version policy
// (pg/server_versions.h) whose features decide which privileges a kind has.
#include "ddl/acl.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>

#include "pg/server_versions.h"

namespace libdump::ddl {
namespace {

constexpr int kV15 = 150018;
constexpr int kV18 = 180006;

std::string Sql(std::string_view kind, std::string_view acl, int version = kV15,
                std::string_view column = "") {
  auto r = AclSql(kind, "s.t", "alice", acl, std::nullopt, version, column);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? *r : "";
}

TEST(AclSql, DefaultPrivilegesNeedNoStatement) {
  EXPECT_EQ(Sql("TABLE", "{alice=arwdDxt/alice}"), "");
  EXPECT_EQ(Sql("TABLE", "{alice=arwdDxtm/alice}", kV18), "");
  EXPECT_EQ(Sql("FUNCTION", "{=X/alice,alice=X/alice}"), "");
  EXPECT_EQ(Sql("SCHEMA", "{alice=UC/alice}"), "");
  EXPECT_EQ(Sql("SEQUENCE", "{alice=rwU/alice}"), "");
  EXPECT_EQ(Sql("TYPE", "{=U/alice,alice=U/alice}"), "");
}

TEST(AclSql, GrantsOnlyWhatTheDefaultsLack) {
  EXPECT_EQ(Sql("TABLE", "{alice=arwdDxt/alice,bob=r/alice}"),
            "GRANT SELECT ON TABLE s.t TO bob;\n");
  EXPECT_EQ(Sql("TABLE", "{alice=arwdDxt/alice,=r*w/alice}"),
            "GRANT UPDATE ON TABLE s.t TO PUBLIC;\n"
            "GRANT SELECT ON TABLE s.t TO PUBLIC WITH GRANT OPTION;\n");
}

// A table of a 15 server whose owner kept the defaults says nothing of the owner, so a 17+
// target keeps its own default (with MAINTAIN). One whose owner lost some: its 15 default is
// revoked by name (never ALL, which on 17+ would take MAINTAIN too), then the rest granted, as
// pg_dump 18 writes it.
TEST(AclSql, OwnerRevokesKeepPrivilegesTheSourceDidNotHave) {
  const std::string revoke_15 =
      "REVOKE INSERT, SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE s.t "
      "FROM alice;\n";
  EXPECT_EQ(Sql("TABLE", "{alice=ar/alice}"),
            revoke_15 + "GRANT INSERT, SELECT ON TABLE s.t TO alice;\n");
  EXPECT_EQ(Sql("TABLE", "{}"), revoke_15);
  // On 18 the owner's default holds MAINTAIN, so the full list is ALL.
  EXPECT_EQ(Sql("TABLE", "{alice=ar/alice}", kV18),
            "REVOKE ALL ON TABLE s.t FROM alice;\n"
            "GRANT INSERT, SELECT ON TABLE s.t TO alice;\n");
  // An 18 owner without MAINTAIN only: everything else is granted back by name.
  EXPECT_EQ(Sql("TABLE", "{alice=arwdDxt/alice}", kV18),
            "REVOKE ALL ON TABLE s.t FROM alice;\n"
            "GRANT INSERT, SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "
            "s.t TO alice;\n");
}

TEST(AclSql, PublicDefaultsRevoked) {
  EXPECT_EQ(Sql("FUNCTION", "{alice=X/alice}"), "REVOKE ALL ON FUNCTION s.t FROM PUBLIC;\n");
  // PUBLIC's default on a database is TEMPORARY and CONNECT, not every database privilege.
  EXPECT_EQ(Sql("DATABASE", "{alice=CTc/alice}"),
            "REVOKE TEMPORARY, CONNECT ON DATABASE s.t FROM PUBLIC;\n");
  EXPECT_EQ(Sql("DATABASE", "{=c/alice,alice=CTc/alice}"),
            "REVOKE TEMPORARY, CONNECT ON DATABASE s.t FROM PUBLIC;\n"
            "GRANT CONNECT ON DATABASE s.t TO PUBLIC;\n");
}

TEST(AclSql, OwnersOwnGrantsComeFirstAndOtherGrantorsGrantAsThemselves) {
  EXPECT_EQ(Sql("TABLE", "{bob=r*/alice,carol=r/bob,alice=r/alice}"),
            "REVOKE INSERT, SELECT, UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON TABLE "
            "s.t FROM alice;\n"
            "GRANT SELECT ON TABLE s.t TO alice;\n"
            "GRANT SELECT ON TABLE s.t TO bob WITH GRANT OPTION;\n"
            "SET ROLE bob;\n"
            "GRANT SELECT ON TABLE s.t TO carol;\n"
            "RESET ROLE;\n");
}

TEST(AclSql, ColumnsHaveNoDefaults) {
  EXPECT_EQ(Sql("TABLE", "{bob=r/alice}", kV15, "c 1"),
            "GRANT SELECT (\"c 1\") ON TABLE s.t TO bob;\n");
  EXPECT_EQ(Sql("TABLE", "{bob=arwx/alice}", kV15, "c"), "GRANT ALL (c) ON TABLE s.t TO bob;\n");
}

TEST(AclSql, ABaseOfInitialPrivilegesReplacesTheDefaults) {
  // A system function initdb made without PUBLIC's EXECUTE, then granted to bob.
  auto base = ParseAcl("{postgres=X/postgres}");
  ASSERT_TRUE(base.ok());
  auto r = AclSql("FUNCTION", "pg_catalog.f()", "postgres", "{postgres=X/postgres,bob=X/postgres}",
                  *base, kV15);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "GRANT ALL ON FUNCTION pg_catalog.f() TO bob;\n");
  // The public schema: the owner's UC and PUBLIC's U are its initial privileges.
  r = AclSql("SCHEMA", "public", "pg_database_owner",
             "{pg_database_owner=UC/pg_database_owner,=U/pg_database_owner}",
             PublicSchemaAcl("pg_database_owner"), kV15);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "");
  r = AclSql("SCHEMA", "public", "alice", "{alice=UC/alice}", PublicSchemaAcl("alice"), kV15);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, "REVOKE USAGE ON SCHEMA public FROM PUBLIC;\n");
}

TEST(AclSql, UnknownPrivilegeIsAnError) {
  EXPECT_FALSE(AclSql("TABLE", "t", "alice", "{alice=arwdDxtQ/alice}", std::nullopt, kV15).ok());
}

TEST(ServerVersions, RangeAndMajorVersions) {
  EXPECT_TRUE(pg::CheckDumpSource(120000, "12.0").ok());
  EXPECT_TRUE(pg::CheckDumpSource(180006, "18.6").ok());
  const Status newer = pg::CheckDumpSource(190000, "19.0");
  EXPECT_EQ(newer.code(), StatusCode::kUnsupportedServer);
  EXPECT_NE(newer.message().find("server version 19.0 is newer than ndump supports (newest: 18)"),
            std::string::npos)
      << newer.message();
  const Status older = pg::CheckDumpSource(110022, "11.22");
  EXPECT_EQ(older.code(), StatusCode::kUnsupportedServer);
  EXPECT_NE(older.message().find("11.22"), std::string::npos);
  // A restore into a newer server is allowed, as pg_restore allows it.
  EXPECT_TRUE(pg::CheckRestoreTarget(190000, "19.0").ok());
  EXPECT_FALSE(pg::CheckRestoreTarget(110000, "11.0").ok());
  EXPECT_EQ(pg::MajorVersionString(180006), "18");
  EXPECT_EQ(pg::MajorVersionString(90624), "9.6");
  EXPECT_TRUE(pg::Has(170000, pg::Feature::kMaintainPrivilege));
  EXPECT_FALSE(pg::Has(160009, pg::Feature::kMaintainPrivilege));
}

// docs/versions.md lists every catalog difference the code handles, by the name the version
// policy gives it.
TEST(ServerVersions, EveryFeatureIsDocumented) {
  std::ifstream in(NDUMP_DOCS_DIR "/versions.md");
  ASSERT_TRUE(in) << "cannot read " NDUMP_DOCS_DIR "/versions.md";
  std::stringstream text;
  text << in.rdbuf();
  for (int f = 0; f < static_cast<int>(pg::Feature::kFeatureCount); ++f) {
    const pg::FeatureInfo& info = pg::InfoOf(static_cast<pg::Feature>(f));
    EXPECT_NE(text.str().find(std::string(info.name)), std::string::npos)
        << "docs/versions.md does not name \"" << info.name << "\"";
  }
}

}  // namespace
}  // namespace libdump::ddl
