# Tests of src/connectors, include()d by tests/CMakeLists.txt.

# ParseJdbcUrl and the drivers' shared helpers; no server needed.
disync_test(connectors_test
  SOURCES unit/connectors/connection_config_test.cc
  LIBS disync::connectors)

# Both drivers against real MariaDB and PostgreSQL servers, given by the
# DISYNC_TEST_MYSQL_* / DISYNC_TEST_PG_* variables (scripts/test-services.sh
# starts a pair; scripts/run-tests.sh does it for ctest). Without them the
# server tests skip loudly, or fail when CI is set. The test also speaks to
# the servers directly to create and drop its own databases.
disync_test(connectors_integration_test
  SOURCES integration/connectors_integration_test.cc
  LIBS disync::connectors PkgConfig::DISYNC_MARIADB PkgConfig::DISYNC_LIBPQ)
