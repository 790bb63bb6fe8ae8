"""What every request goes through, whatever app answers it: a request id, the log, the error pages."""
