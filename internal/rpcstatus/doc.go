// Package rpcstatus is the one status contract that authsvc's server and the
// interceptor package share, so that what one writes the other reads:
//
//   - [Domain], the google.rpc.ErrorInfo domain of every authsvc status;
//   - [Error] and [New], a status with one ErrorInfo whose Reason is the
//     UPPER_SNAKE form of a [verifier.Reason] and whose Metadata["reason"]
//     is the reason as written;
//   - [ReasonOf], which reads that reason back;
//   - [TrailerKey] and [Trailer], the plain "authsvc-reason" trailer that
//     repeats the reason for clients that cannot decode details;
//   - [FromContextError], the mapping of context errors to Canceled and
//     DeadlineExceeded;
//   - [MaxTokenBytes], the largest session token either side accepts.
//
// It is internal: the server and the interceptor re-export what their users
// need (interceptor.ErrorDomain, interceptor.ReasonOf, …). It never logs.
package rpcstatus
