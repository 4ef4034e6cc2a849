"""The evidence chains through the API: the `chainVerification` query and the commands
`seal-chains` and `verify-chain`."""
