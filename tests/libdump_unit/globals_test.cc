// The globals of a cluster archive as SQL (ddl_globals.h, cluster/globals.h): pure functions,
// no server. The statement forms are pg_dumpall's; the server-side round trip is in
// tests/integration/cluster_test.cc.
#include <gtest/gtest.h>

#include "cluster/globals.h"
#include "ddl/ddl_globals.h"

namespace libdump {
namespace {

catalog::RoleMembership Grant(std::string role, std::string member, std::string grantor,
                              uint32_t grantor_oid, bool admin) {
  catalog::RoleMembership m;
  m.role = std::move(role);
  m.member = std::move(member);
  m.grantor = std::move(grantor);
  m.grantor_oid = grantor_oid;
  m.admin = admin;
  m.inherit = true;
  m.set = true;
  return m;
}

TEST(GlobalsSql, ListSettingsAreWrittenAsListsOfLiterals) {
  EXPECT_EQ(ddl::AlterSetSql("ROLE \"r\"", "search_path=a, \"B c\", \"d\"\"e\""),
            "ALTER ROLE \"r\" SET search_path TO 'a', 'B c', 'd\"e';\n");
  EXPECT_EQ(ddl::AlterSetSql("ROLE \"r\"", "work_mem=8MB"),
            "ALTER ROLE \"r\" SET work_mem TO '8MB';\n");
  EXPECT_EQ(ddl::AlterSetSql("ROLE \"r\"", "search_path="),
            "ALTER ROLE \"r\" SET search_path TO '';\n");
  EXPECT_EQ(ddl::AlterSetSql("ROLE \"r\"", "no equals sign"), "");
}

// A grant whose grantor is not the bootstrap superuser waits until that grantor has been given
// ADMIN on the role, whatever the input order (pg_dumpall's passes).
TEST(GlobalsSql, MembershipsWaitForTheirGrantorsAdmin) {
  catalog::Globals g;
  g.server_version = 160000;
  g.memberships = {Grant("grp", "a", "b", 20, false), Grant("grp", "b", "postgres", 10, true),
                   Grant("other", "a", "postgres", 10, false)};
  auto ordered = ddl::OrderMemberships(g);
  ASSERT_TRUE(ordered.ok());
  ASSERT_EQ(ordered->size(), 3u);
  EXPECT_EQ((*ordered)[0].member, "b");
  EXPECT_EQ((*ordered)[1].member, "a");
  EXPECT_EQ((*ordered)[1].role, "grp");
  EXPECT_EQ(ddl::MembershipSql((*ordered)[0], 160000),
            "GRANT grp TO b WITH ADMIN OPTION, INHERIT TRUE GRANTED BY postgres;\n");
  // Before 16: no options and no grantor, in input order.
  EXPECT_EQ(ddl::MembershipSql((*ordered)[0], 150000), "GRANT grp TO b WITH ADMIN OPTION;\n");
  // A grantor that never gets ADMIN: no order exists.
  g.memberships = {Grant("grp", "a", "nobody", 30, false)};
  EXPECT_EQ(ddl::OrderMemberships(g).status().code(), StatusCode::kInternal);
}

TEST(GlobalsSql, RestorersRewriteOnlyTheFixedFirstLines) {
  catalog::Globals g;
  g.server_version = 150000;
  g.bootstrap_superuser = "postgres";
  catalog::Role r;
  r.name = "o'k \"r\"";
  r.login = true;
  r.password = "SCRAM-SHA-256$x";
  g.roles.push_back(r);
  catalog::Tablespace t;
  t.name = "t s";
  t.owner = r.name;
  t.location = "/old/it's";
  g.tablespaces.push_back(t);
  auto toc = cluster::GlobalsToc(g, {});
  ASSERT_TRUE(toc.ok());
  ASSERT_EQ(toc->size(), 2u);
  const format::TocEntry& role = (*toc)[0];
  EXPECT_EQ(role.kind, cluster::kKindRole);
  EXPECT_EQ(role.create_sql.rfind("CREATE ROLE \"o'k \"\"r\"\"\";\nALTER ROLE", 0), 0u);
  EXPECT_EQ(cluster::WithoutCreateRole(role).rfind("ALTER ROLE \"o'k \"\"r\"\"\" WITH", 0), 0u);
  EXPECT_NE(role.create_sql.find("PASSWORD 'SCRAM-SHA-256$x'"), std::string::npos);
  const format::TocEntry& ts = (*toc)[1];
  EXPECT_EQ(ts.schema, "/old/it's");
  EXPECT_EQ(cluster::WithLocation(ts, "/new"),
            "CREATE TABLESPACE \"t s\" OWNER \"o'k \"\"r\"\"\" LOCATION '/new';\n");
  // Without passwords (pg_roles) nothing of the hash is written.
  cluster::GlobalsTocOptions no_passwords;
  no_passwords.sql.role_passwords = false;
  auto bare = cluster::GlobalsToc(g, no_passwords);
  ASSERT_TRUE(bare.ok());
  EXPECT_EQ((*bare)[0].create_sql.find("PASSWORD"), std::string::npos);
}

}  // namespace
}  // namespace libdump
