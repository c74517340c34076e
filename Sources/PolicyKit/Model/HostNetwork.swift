extension Cluster {
  /// The cluster as the evaluation sees it.
  func evaluationModel(after previous: Cluster?) -> Cluster {
    self
  }
}
