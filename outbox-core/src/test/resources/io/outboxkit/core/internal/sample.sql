-- a script for SqlResourcesTest
SELECT 1;
