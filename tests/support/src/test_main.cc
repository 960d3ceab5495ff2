// main() for integration test binaries: registers the throwaway cluster as a global environment,
// so it starts once before the first test and stops after the last.
#include <gtest/gtest.h>

#include "ndump_test/cluster.h"

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ndump_test::ClusterEnvironment);
  return RUN_ALL_TESTS();
}
