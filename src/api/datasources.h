// Data source operations (datasources.md): CreateDataSource,
// UpdateDataSource, DeleteDataSource, ListDataSources, TestNetworkConnection,
// GetDataSourceMeta, and the deprecated CreateConnection / UpdateConnection /
// DeleteConnection / ListConnections aliases.
//
// Contents are validated per type (datasource_content.h), secrets are masked
// in every answer, and the connectivity operations really connect through
// src/connectors with bounded timeouts. Handlers run on the blocking pool.
// Thread-safety: handlers are reentrant.
#ifndef DISYNC_API_DATASOURCES_H_
#define DISYNC_API_DATASOURCES_H_

#include <chrono>

#include "common/clock.h"
#include "openapi/router.h"
#include "store/metadata_store.h"

namespace disync::api {

struct DataSourceOptions {
  std::chrono::milliseconds connect_timeout{5000};
  std::chrono::milliseconds read_timeout{15000};
};

void RegisterDataSourceRoutes(openapi::Router& router, store::MetadataStore& store,
                              const Clock& clock, DataSourceOptions options = {});

}  // namespace disync::api

#endif  // DISYNC_API_DATASOURCES_H_
