module wasip1fix

go 1.24
