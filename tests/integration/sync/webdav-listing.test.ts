import { describe, expect, it } from 'vitest';
import { parseMultistatus } from '../../../main/sync/sync-webdav-listing.js';
import { parseWebdavUrl } from '../../../main/sync/targets/webdav-target.js';

const NEXTCLOUD = `<?xml version="1.0"?>
<d:multistatus xmlns:d="DAV:" xmlns:oc="http://owncloud.org/ns">
 <d:response><d:href>/remote.php/dav/files/team/insp/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop></d:propstat></d:response>
 <d:response><d:href>/remote.php/dav/files/team/insp/abc%20def/</d:href>
  <d:propstat><d:prop><d:resourcetype><d:collection/></d:resourcetype></d:prop></d:propstat></d:response>
 <d:response><d:href>/remote.php/dav/files/team/insp/${'a'.repeat(64)}.fwbundle</d:href>
  <d:propstat><d:prop><d:resourcetype/><d:getcontentlength>1234</d:getcontentlength></d:prop></d:propstat></d:response>
</d:multistatus>`;

const APACHE = `<?xml version="1.0" encoding="utf-8"?>
<D:multistatus xmlns:D="DAV:" xmlns:lp1="DAV:">
<D:response><D:href>https://dav.example.org/share/insp/</D:href>
<D:propstat><D:prop><lp1:resourcetype><D:collection/></lp1:resourcetype></D:prop></D:propstat></D:response>
<D:response><D:href>https://dav.example.org/share/insp/.x.part</D:href>
<D:propstat><D:prop><lp1:resourcetype/><lp1:getcontentlength>7</lp1:getcontentlength></D:prop></D:propstat></D:response>
</D:multistatus>`;

const PLAIN = `<multistatus xmlns="DAV:"><response><href>/s/insp/</href><propstat><prop><resourcetype><collection /></resourcetype></prop></propstat></response>
<response><href>/s/insp/a&amp;b</href><propstat><prop><getcontentlength>0</getcontentlength><resourcetype/></prop></propstat></response></multistatus>`;

// IIS: `a:`-style prefixes of its own, typed values (b:dt), a 404 propstat beside the 200 one.
const IIS = `<?xml version="1.0" encoding="utf-8"?>
<a:multistatus xmlns:b="urn:uuid:c2f41010-65b3-11d1-a29f-00aa00c14882/" xmlns:a="DAV:">
<a:response><a:href>https://files.example.org/insp/</a:href>
<a:propstat><a:status>HTTP/1.1 200 OK</a:status><a:prop><a:resourcetype><a:collection/></a:resourcetype></a:prop></a:propstat></a:response>
<a:response><a:href>https://files.example.org/insp/r%C3%A9sum%C3%A9.fwbundle</a:href>
<a:propstat><a:status>HTTP/1.1 404 Not Found</a:status><a:prop><a:getcontentlength/></a:prop></a:propstat>
<a:propstat><a:status>HTTP/1.1 200 OK</a:status><a:prop><a:getcontentlength b:dt="int">42</a:getcontentlength><a:resourcetype/></a:prop></a:propstat></a:response>
</a:multistatus>`;

// nginx (dav-ext) and others: decimal and hex character references, CDATA, a default namespace
// on one element and a prefix on the rest (ns0:), and a folder marked in a second propstat.
const ENTITIES = `<?xml version="1.0"?>
<ns0:multistatus xmlns:ns0="DAV:">
<ns0:response><ns0:href>/dav/insp/</ns0:href><ns0:propstat><ns0:prop><ns0:resourcetype><ns0:collection/></ns0:resourcetype></ns0:prop></ns0:propstat></ns0:response>
<ns0:response><ns0:href>/dav/insp/a&#x26;b&#x20;&#67;.txt</ns0:href><ns0:propstat><ns0:prop><ns0:getcontentlength> 5 </ns0:getcontentlength></ns0:prop></ns0:propstat></ns0:response>
<ns0:response><ns0:href><![CDATA[/dav/insp/x&y <z>]]></ns0:href><ns0:propstat><ns0:prop><ns0:getcontentlength>9</ns0:getcontentlength></ns0:prop></ns0:propstat></ns0:response>
<ns0:response><href xmlns="DAV:">/dav/insp/sub/</href><ns0:propstat><ns0:prop><ns0:getcontentlength/></ns0:prop></ns0:propstat>
<ns0:propstat><ns0:prop><ns0:resourcetype><collection xmlns="DAV:"/></ns0:resourcetype></ns0:prop></ns0:propstat></ns0:response>
<ns0:response><ns0:href>/dav/insp/%E2%82%AC&#8364;</ns0:href><ns0:propstat><ns0:prop><ns0:getcontentlength>abc</ns0:getcontentlength></ns0:prop></ns0:propstat></ns0:response>
</ns0:multistatus>`;

describe('reading WebDAV listings from different servers', () => {
  it('reads IIS-style answers (a: prefix, typed values, a 404 propstat)', () => {
    expect(parseMultistatus(IIS, '/insp/')).toEqual([{ name: 'résumé.fwbundle', isDir: false, size: 42 }]);
  });

  it('decodes decimal and hex character references and CDATA, whatever the prefix', () => {
    expect(parseMultistatus(ENTITIES, '/dav/insp')).toEqual([
      { name: 'a&b C.txt', isDir: false, size: 5 },
      { name: 'x&y <z>', isDir: false, size: 9 },
      { name: 'sub', isDir: true, size: null },
      { name: '€€', isDir: false, size: null },
    ]);
  });

  it('reads nothing from an answer that is not a multistatus', () => {
    expect(parseMultistatus('not xml at all', '/')).toEqual([]);
    expect(parseMultistatus('<html><body>Login</body></html>', '/')).toEqual([]);
    expect(parseMultistatus('<multistatus><response><href>/a/b', '/a')).toEqual([]);
  });

  it('reads Nextcloud (d:), Apache (D: and lp1:) and unprefixed answers, leaving out the folder itself', () => {
    expect(parseMultistatus(NEXTCLOUD, '/remote.php/dav/files/team/insp/')).toEqual([
      { name: 'abc def', isDir: true, size: null },
      { name: `${'a'.repeat(64)}.fwbundle`, isDir: false, size: 1234 },
    ]);
    expect(parseMultistatus(APACHE, '/share/insp/')).toEqual([{ name: '.x.part', isDir: false, size: 7 }]);
    expect(parseMultistatus(PLAIN, '/s/insp')).toEqual([{ name: 'a&b', isDir: false, size: 0 }]);
  });

  it('refuses addresses that would send a password unprotected or hide it in the address', () => {
    expect(() => parseWebdavUrl('http://cloud.example.org/dav/')).toThrow(/https/);
    expect(() => parseWebdavUrl('https://asha:pw@cloud.example.org/dav/')).toThrow(/own boxes/);
    expect(() => parseWebdavUrl('not a url')).toThrow(/not a web address/);
    expect(parseWebdavUrl('http://127.0.0.1:8080/dav').href).toBe('http://127.0.0.1:8080/dav/');
    expect(parseWebdavUrl('https://cloud.example.org/dav?x=1#y').href).toBe('https://cloud.example.org/dav/');
  });
});
