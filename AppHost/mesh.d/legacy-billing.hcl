# Every server loads this directory (WithConfigDirectory), as `consul agent -config-dir` would: a service that runs
# outside Aspire, registered so the mesh's catalog and DNS can find it.
service {
  name = "legacy-billing"
  port = 9090
  tags = ["external", "v1"]
  meta {
    owner = "payments"
  }
}
