return {
  title = "t",
  question = "q" "oops",
}
