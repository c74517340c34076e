/// PolicyKit: reads Kubernetes and Calico manifests and computes, for every pair of endpoints
/// and a probe, whether a cluster running Calico would allow the connection, and why.
public enum PolicyKit {}
