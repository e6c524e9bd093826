-- a script with placeholders for SqlResourcesTest
SELECT 1 FROM ${table} WHERE name = '${name}';
