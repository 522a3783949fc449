local s = "abc
";
